/**
 * A TCP proxy for partition tests: forwards 127.0.0.1:port to a target; `cut()` stops
 * forwarding in both directions without closing anything (the sockets stay open and their
 * bytes wait, as behind a network partition: the peer sees silence, not a reset), and new
 * connections wait too; `heal()` resumes them all.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): void;
  heal(): void;
  isCut(): boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let cut = false;
  const pairs = new Set<{ a: net.Socket; b: net.Socket }>();
  const server = net.createServer((a) => {
    const b = net.connect(targetPort, targetHost);
    const pair = { a, b };
    pairs.add(pair);
    a.pipe(b);
    b.pipe(a);
    if (cut) {
      a.pause();
      b.pause();
    }
    const end = (): void => {
      pairs.delete(pair);
      a.destroy();
      b.destroy();
    };
    a.on('error', end).on('close', end);
    b.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: () => {
      cut = true;
      for (const { a, b } of pairs) {
        a.pause();
        b.pause();
      }
    },
    heal: () => {
      cut = false;
      for (const { a, b } of pairs) {
        a.resume();
        b.resume();
      }
    },
    isCut: () => cut,
    close: () =>
      new Promise<void>((resolve) => {
        for (const { a, b } of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
