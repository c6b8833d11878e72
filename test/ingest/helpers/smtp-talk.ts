// A raw SMTP client for tests that need byte-level control (smuggling, pipelining, timing):
// write exactly what the test says, read whole replies (multi-line included).
import net from 'node:net';
import tls from 'node:tls';

export interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
  /** Text of the last line after the code. */
  readonly text: string;
}

export class SmtpTalk {
  #socket: net.Socket | tls.TLSSocket;
  #buffer = '';
  #replies: Reply[] = [];
  #waiters: ((r: Reply | null) => void)[] = [];
  #closed = false;
  #pending: string[] = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    this.#listen(socket);
  }

  /** Connects; does not wait for the greeting (call read() for it). */
  static connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<SmtpTalk> {
    return new Promise((resolve, reject) => {
      // localAddress: another loopback source (127.0.9.7) to play a client from another network.
      const socket = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new SmtpTalk(socket));
      });
    });
  }

  #listen(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (chunk: Buffer) => this.#onData(chunk.toString('latin1')));
    socket.on('close', () => {
      this.#closed = true;
      for (const w of this.#waiters.splice(0)) w(null);
    });
    socket.on('error', () => undefined);
  }

  #onData(text: string): void {
    this.#buffer += text;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      this.#pending.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        const lines = this.#pending.splice(0);
        const reply: Reply = { code: Number(line.slice(0, 3)), lines, text: line.slice(4) };
        const waiter = this.#waiters.shift();
        if (waiter) waiter(reply);
        else this.#replies.push(reply);
      }
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The next reply; null when the server closed the connection first. */
  read(timeoutMs = 5000): Promise<Reply | null> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SMTP reply in time')), timeoutMs);
      this.#waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  async command(line: string): Promise<Reply | null> {
    this.write(line + '\r\n');
    return this.read();
  }

  /** STARTTLS already answered 220: wraps the socket in TLS (any certificate accepted). */
  upgrade(): Promise<void> {
    const raw = this.#socket as net.Socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    return new Promise((resolve, reject) => {
      const secure = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' });
      secure.once('error', reject);
      secure.once('secureConnect', () => {
        secure.off('error', reject);
        this.#socket = secure;
        this.#listen(secure);
        resolve();
      });
    });
  }

  /** EHLO, STARTTLS, EHLO again: a secure session ready for AUTH. */
  async secureHello(name = 'client.example'): Promise<void> {
    await this.read();
    await this.command(`EHLO ${name}`);
    const r = await this.command('STARTTLS');
    if (r?.code !== 220) throw new Error(`STARTTLS refused: ${r?.code} ${r?.text}`);
    await this.upgrade();
    await this.command(`EHLO ${name}`);
  }

  async authPlain(user: string, password: string): Promise<Reply | null> {
    return this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
  }

  /** STARTTLS, AUTH PLAIN, MAIL and RCPT, then DATA: resolves with the reply to DATA (354 expected). */
  async openData(user: string, password: string, from: string, to: string): Promise<Reply | null> {
    await this.secureHello();
    const auth = await this.authPlain(user, password);
    if (auth?.code !== 235) return auth;
    await this.command(`MAIL FROM:<${from}>`);
    await this.command(`RCPT TO:<${to}>`);
    return this.command('DATA');
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
