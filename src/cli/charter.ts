import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'charter',
  summary: 'charter',
  run: async (_argv, io) => {
    io.err('mapek charter: not implemented yet');
    return EXIT.internal;
  },
};
