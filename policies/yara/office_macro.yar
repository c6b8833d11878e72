// Office macro droppers: a VBA project that runs itself when the document opens and starts a
// program, or that downloads a file and runs or writes it. Matches the OLE file itself (.doc,
// .xls, and the vbaProject.bin member of a .docm/.xlsm, which the archive stage hands over as a
// file) and plain VBA source. In an OLE file the module source is compressed, but the project's
// identifier table keeps names such as AutoOpen and Shell in clear.
// Structure is tested first (OLE signature; for source, a text-like entropy), so YARA-X does not
// search for the strings at all in files that cannot match (see hta.yar for the text test).
// Compatible with YARA 4.x and YARA-X.

import "math"

// Text, not compressed or encrypted data (real zips, PDFs and images measure 7.9–8.0 bits/byte).
private rule C4TAP_Macro_TextLike
{
    condition:
        math.entropy(0, filesize) < 7.5
}

rule C4TAP_Office_Macro_AutoExec_Shell : office macro
{
    meta:
        severity = "high"
        description = "VBA macro that runs on open (AutoOpen, Document_Open, Workbook_Open...) and starts a program"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $vba_project = "_VBA_PROJECT" wide
        $vba_source = "Attribute VB_Name" ascii

        $auto1 = "AutoOpen" ascii nocase
        $auto2 = "Auto_Open" ascii nocase
        $auto3 = "Document_Open" ascii nocase
        $auto4 = "Workbook_Open" ascii nocase
        $auto5 = "AutoExec" ascii nocase
        $auto6 = "Document_Close" ascii nocase
        $auto7 = "AutoClose" ascii nocase

        $exec1 = "Shell" ascii nocase
        $exec2 = "WScript" ascii nocase
        $exec3 = "powershell" ascii nocase
        $exec4 = "cmd.exe" ascii nocase
        $exec5 = "CreateProcess" ascii nocase
        $exec6 = "Win32_Process" ascii nocase
        $exec7 = "mshta" ascii nocase

    condition:
        ((uint32be(0) == 0xD0CF11E0 and uint32be(4) == 0xA1B11AE1 and $vba_project) or (C4TAP_Macro_TextLike and $vba_source)) and any of ($auto*) and any of ($exec*)
}

rule C4TAP_Office_Macro_Downloader : office macro
{
    meta:
        severity = "high"
        description = "VBA macro that downloads from the network and runs or saves what it fetched"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $vba_project = "_VBA_PROJECT" wide
        $vba_source = "Attribute VB_Name" ascii

        $dl1 = "URLDownloadToFile" ascii nocase
        $dl2 = "MSXML2.XMLHTTP" ascii nocase
        $dl3 = "MSXML2.ServerXMLHTTP" ascii nocase
        $dl4 = "WinHttp.WinHttpRequest" ascii nocase
        $dl5 = "Net.WebClient" ascii nocase
        $dl6 = "DownloadFile" ascii nocase
        $dl7 = "InternetOpenUrl" ascii nocase

        $run1 = "Shell" ascii nocase
        $run2 = "SaveToFile" ascii nocase
        $run3 = "ADODB.Stream" ascii nocase
        $run4 = "CreateProcess" ascii nocase
        $run5 = "Win32_Process" ascii nocase

    condition:
        ((uint32be(0) == 0xD0CF11E0 and uint32be(4) == 0xA1B11AE1 and $vba_project) or (C4TAP_Macro_TextLike and $vba_source)) and any of ($dl*) and any of ($run*)
}
