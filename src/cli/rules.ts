import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'rules',
  summary: 'rules',
  run: async (_argv, io) => {
    io.err('mapek rules: not implemented yet');
    return EXIT.internal;
  },
};
