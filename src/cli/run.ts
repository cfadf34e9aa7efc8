import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'run',
  summary: 'run',
  run: async (_argv, io) => {
    io.err('mapek run: not implemented yet');
    return EXIT.internal;
  },
};
