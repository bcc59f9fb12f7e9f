// The listening end of an emulated TCP proxy: a real port on this machine that forwards to the
// physical database behind the service, as Railway's `*.proxy.rlwy.net:<port>` does. Until the
// proxy is ACTIVE it resets every connection, as a proxy Railway is still creating does.
import net from 'node:net';

export class TcpForwarder {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  active = false;

  private constructor(
    /** Where to forward, looked up per connection (the database may be provisioned later). */
    private readonly target: () => { host: string; port: number } | null,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async open(
    host: string,
    target: () => { host: string; port: number } | null,
  ): Promise<{ forwarder: TcpForwarder; port: number }> {
    const f = new TcpForwarder(target);
    await new Promise<void>((resolve, reject) => {
      f.server.once('error', reject);
      f.server.listen(0, host, () => resolve());
    });
    return { forwarder: f, port: (f.server.address() as net.AddressInfo).port };
  }

  private accept(client: net.Socket): void {
    const to = this.active ? this.target() : null;
    if (!to) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(to.port, to.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // pipe() carries backpressure both ways.
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async close(): Promise<void> {
    this.active = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
