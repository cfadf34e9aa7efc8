import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'knowledge',
  summary: 'knowledge',
  run: async (_argv, io) => {
    io.err('mapek knowledge: not implemented yet');
    return EXIT.internal;
  },
};
