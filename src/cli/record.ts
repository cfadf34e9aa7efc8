import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const command: Command = {
  name: 'record',
  summary: 'record',
  run: async (_argv, io) => {
    io.err('mapek record: not implemented yet');
    return EXIT.internal;
  },
};
