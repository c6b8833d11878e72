// HTML applications (.hta, run by mshta.exe with full user rights) that script the shell.
//
// An HTA is text. Rules that look for words in text first test that the file is text-like
// (entropy below 7.5 bits per byte; compressed or encrypted data such as zips, PDF streams and
// images measures 7.9–8.0, and no word is visible in it). Most attachment bytes are compressed,
// and YARA-X searches for strings only when a condition needs them, so for those files it skips
// the search entirely. The test lives in a private rule per file: rule files do not share
// rules (each is its own namespace), and a rule's result is computed once per scan.
// Compatible with YARA 4.x and YARA-X.

import "math"

private rule C4TAP_HTA_TextLike
{
    condition:
        math.entropy(0, filesize) < 7.5
}

rule C4TAP_HTA_Script_Execution : hta script
{
    meta:
        severity = "high"
        description = "HTML application (HTA) whose script creates ActiveX/WScript objects or runs commands"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $hta = "<hta:application" ascii wide nocase

        $s1 = "ActiveXObject" ascii wide nocase
        $s2 = "WScript.Shell" ascii wide nocase
        $s3 = "CreateObject" ascii wide nocase
        $s4 = "Shell.Application" ascii wide nocase
        $s5 = "ShellExecute" ascii wide nocase
        $s6 = "powershell" ascii wide nocase
        $s7 = "cmd.exe" ascii wide nocase
        $s8 = "Scripting.FileSystemObject" ascii wide nocase

    condition:
        C4TAP_HTA_TextLike and $hta and any of ($s*)
}
