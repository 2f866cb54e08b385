; Inno Setup script for TK Commons on Windows.
;
; UNTESTED: nobody has built or run this installer yet, and the Windows build of the app itself
; (pyinstaller packaging\tkapp.spec on Windows) has not been tried either. See
; packaging/README-packaging.md ("What was tested where") before relying on it.
;
; Build, on Windows, after `pyinstaller packaging\tkapp.spec --noconfirm --distpath dist`:
;   iscc packaging\windows\tkapp.iss
; Result: dist\TK-Commons-0.1.0-setup.exe
;
; What it does: installs dist\tkapp\ (tkapp.exe = desktop app, tkapp-cli.exe = command line,
; sharing one _internal folder) per user or for all users, adds a Start menu entry, and
; associates .tkb with tkapp.exe, which opens a double-clicked bundle in the verify window.
; Encrypted bundles (name.tkb.age) are not associated: Windows matches only the last
; extension, and claiming every .age file would be wrong; open them from the app instead.

#define AppName "TK Commons"
#define AppVersion "0.1.0"
#define AppId "org.tkcommons.TKCommons"
#define ProgId "TKCommons.Bundle"

[Setup]
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The TK Commons contributors
DefaultDirName={autopf}\TK Commons
DefaultGroupName={#AppName}
; Per-user install by default (no administrator needed in a village office); the user may
; choose an all-users install in the dialog.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
OutputDir=..\..\dist
OutputBaseFilename=TK-Commons-{#AppVersion}-setup
SetupIconFile=..\..\tkapp\resources\icons\tkapp.ico
UninstallDisplayIcon={app}\tkapp.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"

[Files]
Source: "..\..\dist\tkapp\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\tkapp.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\tkapp.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Registry]
; .tkb -> TKCommons.Bundle -> "tkapp.exe" "%1". HKA = HKCU for per-user, HKLM for all users.
Root: HKA; Subkey: "Software\Classes\.tkb"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tkb"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-tkcommons-bundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "TK Commons bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\tkapp.exe,0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\tkapp.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\tkapp.exe\SupportedTypes"; ValueType: string; ValueName: ".tkb"; ValueData: ""

[Run]
Filename: "{app}\tkapp.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
