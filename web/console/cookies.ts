// Reading the Cookie header and setting the console's cookies (HttpOnly, SameSite=Strict, Secure
// over TLS, scoped to the console's path).
import type { Request, Response } from 'express';
import { CONSOLE_PATH } from './context.ts';

export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** `path`: where the cookie is sent (the console's path unless another page mounts its own). */
export function setCookie(req: Request, res: Response, name: string, value: string, path: string = CONSOLE_PATH): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'strict', secure: req.secure, path });
}

export function clearCookie(req: Request, res: Response, name: string, path: string = CONSOLE_PATH): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure: req.secure, path });
}
