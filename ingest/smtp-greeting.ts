// smtp-server with a configurable early-talker delay.
//
// smtp-server 3.21 waits a hard-coded 100 ms in SMTPConnection#init() before it sends the 220
// greeting; a client that talks during that wait is an early talker and gets "421 You talk too
// soon". The wait caps senders that open one connection per message near 10 messages/s per
// session. This keeps the protection and makes the wait a setting: a subclass of the package's
// own exported SMTPConnection overrides init() with the same body (connection limit, then the
// timer), and a subclass of SMTPServer creates that connection in connect() exactly as the
// package does. Nothing is patched globally; the bench sink uses the same class so both sides
// of the comparison wait the same time.
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerEvents, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

class DelayedGreetingConnection extends SMTPConnection {
  readonly #greetingDelayMs: number;

  constructor(server: SMTPServer, socket: net.Socket | tls.TLSSocket, options: SMTPConnectionOptions | null | undefined, delayMs: number) {
    super(server, socket, options ?? undefined);
    this.#greetingDelayMs = delayMs;
  }

  /** Same as SMTPConnection#init() in smtp-server 3.21, with the configured delay instead of 100 ms. */
  override init(): void {
    this._setListeners(() => {
      if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
        return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
      }
      // Anything the client sends before connectionReady() runs is answered "421 You talk too soon".
      const readyTimer = setTimeout(() => this.connectionReady(), this.#greetingDelayMs);
      readyTimer.unref();
    });
  }
}

export interface GreetingOptions {
  /** Early-talker wait before the 220 greeting, in milliseconds (0 still yields to the event loop once). */
  readonly greetingDelayMs: number;
}

export class DelayedGreetingSmtpServer extends SMTPServer {
  readonly #greetingDelayMs: number;

  constructor(options: SMTPServerOptions & GreetingOptions) {
    const { greetingDelayMs, ...serverOptions } = options;
    super(serverOptions);
    this.#greetingDelayMs = greetingDelayMs;
  }

  /** Same as SMTPServer#connect() in smtp-server 3.21, creating the delayed-greeting connection. */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new DelayedGreetingConnection(this, socket, socketOptions, this.#greetingDelayMs);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data: SMTPServerEvents['connect'][0]) => this._onClientConnect(data));
    connection.init();
  }
}
