import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'validate',
  summary: 'validate',
  run: async (_argv, io) => {
    io.err('mapek validate: not implemented yet');
    return EXIT.internal;
  },
};
