import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'demo',
  summary: 'demo',
  run: async (_argv, io) => {
    io.err('mapek demo: not implemented yet');
    return EXIT.internal;
  },
};
