// Types for the parts of the `clamscan` package (2.x, plain JavaScript) that analysis/engines/clamav.ts uses.
declare module 'clamscan' {
  interface ClamscanResult {
    /** true: FOUND; false: OK; null: no verdict (timeout or an unexpected reply). */
    readonly isInfected: boolean | null;
    readonly viruses: string[];
    readonly file: string | null;
    readonly resultString?: string;
    readonly timeout?: boolean;
  }
  interface ClamdscanOptions {
    socket?: string | false;
    host?: string | false;
    port?: number | false;
    /** Socket idle timeout in milliseconds (net.Socket#setTimeout). */
    timeout?: number;
    localFallback?: boolean;
    path?: string;
    configFile?: string | null;
    multiscan?: boolean;
    reloadDb?: boolean;
    active?: boolean;
    /** Skip the PING at init(). */
    bypassTest?: boolean;
    tls?: boolean;
  }
  interface ClamscanInitOptions {
    removeInfected?: boolean;
    quarantineInfected?: boolean | string;
    scanLog?: string | null;
    debugMode?: boolean;
    clamscan?: { active?: boolean; path?: string };
    clamdscan?: ClamdscanOptions;
    preference?: 'clamscan' | 'clamdscan';
  }
  class NodeClam {
    init(options?: ClamscanInitOptions): Promise<NodeClam>;
    scanStream(stream: import('node:stream').Readable): Promise<ClamscanResult>;
  }
  export type { ClamscanResult, ClamscanInitOptions };
  export default NodeClam;
}
