@{
    Synopsis    = 'Loads power models saved as JSON by Export-PowerModel or New-PowerModel -Path.'
    Description = @'
Import-PowerModel reads power-model documents (kind "PowerTrace.PowerModel", schema version 1) and writes one PowerModel per file, ready for Invoke-TraceSynthesis or Test-PowerModel. A model saved and loaded again is the same model exactly: the same states, transitions and serving profile, so a synthesis with the same seed gives the same traces.

-Path accepts wildcards; -LiteralPath takes names as they are and binds from the PSPath of Get-ChildItem output. A file that is not found, is not a model or is damaged writes a non-terminating error naming the file, and the other files go on.
'@
    Wildcards   = @('Path')
    Parameters  = @{
        Path        = 'Model files to read; wildcards allowed. Accepts pipeline input (strings, or objects with a Path property). Relative paths resolve against the current PowerShell location.'
        LiteralPath = 'Model files to read, taken literally (no wildcards). Bound from the PSPath of Get-ChildItem output; aliases PSPath and LP.'
    }
    Inputs      = @('System.String', 'System.IO.FileInfo')
    Examples    = @(
        @{
            Code    = "`$model = Import-PowerModel ./a6000-tp1.json`n`$model"
            Remarks = 'Loads a model saved by New-PowerModel -Path or Export-PowerModel and shows its configuration, state count, bin width, idle and mean power.'
        }
        @{
            Code    = "Get-ChildItem ./models -Filter *.json | Import-PowerModel | Format-Table"
            Remarks = 'Loads every model in a folder, one per file; files that are not models are reported and skipped.'
        }
        @{
            Code    = "`$model = Import-PowerModel ./a6000-tp1.json`nInvoke-TraceSynthesis -Model `$model -RatePerSecond 20 -ServersPerRack 16 -RacksPerRow 4 -Level Rack, Site"
            Remarks = 'Synthesizes an hour of power for four racks of 16 servers and their sum at 20 requests per second from a saved model: four rack traces and one site trace at the model''s 0.25 s bin.'
        }
    )
    Notes       = @'
Error ids (non-terminating, one per bad file): PathNotFound, NotAPowerModel (not JSON, or JSON without "kind": "PowerTrace.PowerModel"), UnsupportedSchemaVersion (missing or other than 1), InvalidPowerModel (a field missing or malformed, or a context scheme this version does not use), ModelHasNoStates, IOError, AccessDenied.

Format: JSON, camelCase names, watts, seconds and UTC ISO 8601 times; non-finite numbers are null. See Export-PowerModel.
'@
    Links       = @('Export-PowerModel', 'New-PowerModel', 'Invoke-TraceSynthesis', 'Test-PowerModel')
}
