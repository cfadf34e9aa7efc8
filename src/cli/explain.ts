import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'explain',
  summary: 'explain',
  run: async (_argv, io) => {
    io.err('mapek explain: not implemented yet');
    return EXIT.internal;
  },
};
