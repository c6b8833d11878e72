// Windows shortcut (.lnk) lures: a shell link whose target or arguments start a command
// interpreter or a living-off-the-land binary. Arguments are stored as UTF-16LE, hence `wide`.
// Compatible with YARA 4.x and YARA-X.

rule C4TAP_LNK_Command_Lure : lnk lure
{
    meta:
        severity = "high"
        description = "Windows shortcut that runs cmd, PowerShell, mshta, a script host or another LOLBin"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $cmd1 = "cmd.exe" ascii wide nocase
        $cmd2 = "powershell" ascii wide nocase
        $cmd3 = "pwsh" ascii wide nocase
        $cmd4 = "mshta" ascii wide nocase
        $cmd5 = "wscript" ascii wide nocase
        $cmd6 = "cscript" ascii wide nocase
        $cmd7 = "rundll32" ascii wide nocase
        $cmd8 = "regsvr32" ascii wide nocase
        $cmd9 = "certutil" ascii wide nocase
        $cmd10 = "bitsadmin" ascii wide nocase
        $cmd11 = "msiexec" ascii wide nocase
        $cmd12 = "forfiles" ascii wide nocase

    condition:
        // ShellLinkHeader: HeaderSize 0x4C and LinkCLSID 00021401-0000-0000-C000-000000000046
        uint32(0) == 0x0000004C and uint32(4) == 0x00021401 and uint32(8) == 0 and
        uint32(12) == 0x000000C0 and uint32(16) == 0x46000000 and
        any of ($cmd*)
}
