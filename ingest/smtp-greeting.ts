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
//
// The same connection class carries the per-command deadline (like Postfix's
// smtpd_per_record_deadline): the idle timeout is reset by every byte, so a client sending one
// byte every 10 s would hold a session for ever; here a whole command line must arrive within
// commandTimeoutMs of the previous one (or of the greeting). The deadline does not run while the
// server owes the reply or a message is in DATA (the DATA deadline and minimum rate cover that).
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerEvents, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

class DelayedGreetingConnection extends SMTPConnection {
  readonly #greetingDelayMs: number;
  readonly #deadline: CommandDeadline | undefined;
  #commandTimer: NodeJS.Timeout | undefined;

  constructor(
    server: SMTPServer,
    socket: net.Socket | tls.TLSSocket,
    options: SMTPConnectionOptions | null | undefined,
    delayMs: number,
    deadline: CommandDeadline | undefined,
  ) {
    super(server, socket, options ?? undefined);
    this.#greetingDelayMs = delayMs;
    this.#deadline = deadline;
  }

  #armCommandDeadline(): void {
    const d = this.#deadline;
    if (!d) return;
    clearTimeout(this.#commandTimer);
    this.#commandTimer = setTimeout(() => {
      if (this._closed || this._closing) return;
      // We owe the client a reply, or a message is being received or decided: not its fault.
      if (this._handlerPending || this._dataStream) return this.#armCommandDeadline();
      d.onExpired(this.session);
      this.send(421, 'Command timeout - closing connection');
    }, d.ms);
    this.#commandTimer.unref();
  }

  override _onCommand(command: Buffer, callback?: () => void): void {
    this.#armCommandDeadline();
    super._onCommand(command, callback);
  }

  override _onClose(): void {
    clearTimeout(this.#commandTimer);
    super._onClose();
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
      this.#armCommandDeadline();
    });
  }
}

export interface CommandDeadline {
  /** Longest time for one command line to arrive, in milliseconds. */
  readonly ms: number;
  /** Told before the 421 is sent (logging, metrics). */
  readonly onExpired: (session: SMTPServerSession) => void;
}

export interface GreetingOptions {
  /** Early-talker wait before the 220 greeting, in milliseconds (0 still yields to the event loop once). */
  readonly greetingDelayMs: number;
  /** The per-command deadline; none when left out (the bench sink). */
  readonly commandDeadline?: CommandDeadline;
}

export class DelayedGreetingSmtpServer extends SMTPServer {
  readonly #greetingDelayMs: number;
  readonly #deadline: CommandDeadline | undefined;

  constructor(options: SMTPServerOptions & GreetingOptions) {
    const { greetingDelayMs, commandDeadline, ...serverOptions } = options;
    super(serverOptions);
    this.#greetingDelayMs = greetingDelayMs;
    this.#deadline = commandDeadline;
  }

  /** Same as SMTPServer#connect() in smtp-server 3.21, creating the delayed-greeting connection. */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new DelayedGreetingConnection(this, socket, socketOptions, this.#greetingDelayMs, this.#deadline);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data: SMTPServerEvents['connect'][0]) => this._onClientConnect(data));
    connection.init();
  }
}
