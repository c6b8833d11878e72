// Member names as archives store them may climb out of any folder (`../../x`, `/etc/x`, `C:\\x`):
// "zip-slip". We never write members to disk, but their names reach paths, logs and the console,
// so a member's path is its name with the climbing removed; the stored name stays for the analyst.

/** Whether a stored member name climbs out of its archive (absolute, drive letter or `..`). */
export function isTraversalName(name: string): boolean {
  const parts = name.replace(/\\/g, '/').split('/');
  return /^([a-z]:|\/|\\)/i.test(name) || parts.some((p) => p === '..');
}

/** The name with separators unified, and empty, `.` and `..` segments and drive letters removed. */
export function safeMemberName(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .replace(/^[a-z]:/i, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.length > 0 ? parts.join('/') : 'unnamed-member';
}
