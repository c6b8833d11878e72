// Disk image lures (.iso, .img, .vhd sent to bypass Mark-of-the-Web): an image whose directory
// holds a shortcut, executable or script. Most ".img" lures are ISO 9660 images renamed; raw FAT
// floppy/disk images are covered by the second rule.
// Compatible with YARA 4.x and YARA-X.

rule C4TAP_ISO_Lure_Executable : iso lure
{
    meta:
        severity = "medium"
        description = "ISO 9660 image containing a shortcut, executable or script file"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        // ISO 9660 file identifiers: NAME.EXT;1
        $iso1 = ".LNK;1" nocase
        $iso2 = ".EXE;1" nocase
        $iso3 = ".SCR;1" nocase
        $iso4 = ".HTA;1" nocase
        $iso5 = ".JS;1" nocase
        $iso6 = ".VBS;1" nocase
        $iso7 = ".DLL;1" nocase
        $iso8 = ".BAT;1" nocase
        $iso9 = ".CMD;1" nocase
        $iso10 = ".MSI;1" nocase

        // Joliet file identifiers are UTF-16BE, no version suffix
        $joliet1 = { 00 2E 00 6C 00 6E 00 6B }  // .lnk
        $joliet2 = { 00 2E 00 65 00 78 00 65 }  // .exe
        $joliet3 = { 00 2E 00 73 00 63 00 72 }  // .scr
        $joliet4 = { 00 2E 00 68 00 74 00 61 }  // .hta
        $joliet5 = { 00 2E 00 76 00 62 00 73 }  // .vbs
        $joliet6 = { 00 2E 00 64 00 6C 00 6C }  // .dll
        $joliet7 = { 00 2E 00 62 00 61 00 74 }  // .bat
        $joliet8 = { 00 2E 00 63 00 6D 00 64 }  // .cmd
        $joliet9 = { 00 2E 00 6A 00 73 ( 00 00 | 00 3B ) }  // .js at the end of a name or before ;1

    condition:
        // volume descriptor identifier "CD001" at 0x8001
        uint32be(0x8001) == 0x43443030 and uint8(0x8005) == 0x31 and (any of ($iso*) or any of ($joliet*))
}

rule C4TAP_IMG_FAT_Lure_Executable : img lure
{
    meta:
        severity = "medium"
        description = "FAT disk image containing a shortcut, executable or script file"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        // 8.3 directory entry: extension then attribute byte (none, read-only, hidden, archive)
        $dir_lnk = { 4C 4E 4B ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        $dir_exe = { 45 58 45 ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        $dir_scr = { 53 43 52 ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        $dir_hta = { 48 54 41 ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        $dir_vbs = { 56 42 53 ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        $dir_bat = { 42 41 54 ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        $dir_cmd = { 43 4D 44 ( 00 | 01 | 02 | 03 | 20 | 21 | 22 | 23 ) }
        // long file names are UTF-16LE
        $lfn_lnk = ".lnk" wide nocase
        $lfn_exe = ".exe" wide nocase

    condition:
        // boot sector signature, and file system type "FAT12   "/"FAT16   " at 0x36 or "FAT32   " at 0x52
        uint16(510) == 0xAA55 and
        ((uint32be(0x36) == 0x46415431 and (uint8(0x3A) == 0x32 or uint8(0x3A) == 0x36)) or (uint32be(0x52) == 0x46415433 and uint8(0x56) == 0x32))
        and (any of ($dir_*) or any of ($lfn_*))
}
