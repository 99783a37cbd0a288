@{
    Synopsis    = 'Saves a power model as a JSON document that Import-PowerModel reads back exactly.'
    Description = @'
Export-PowerModel writes a power model (from New-PowerModel or Import-PowerModel) to a JSON file: indented UTF-8, camelCase names, "kind": "PowerTrace.PowerModel" and "schemaVersion": 1, then the configuration (GPU type and count, model, TP degree, idle and TDP watts per GPU), the bin width, the states (mean, standard deviation, share, AR(1), range and bin count of each), the serving profile, the transition tables and the provenance (training files, their UTC spans, creation time, tool version). Numbers are written in shortest round-trip form, so Import-PowerModel gives back the same model exactly; a non-finite number is written as null.

The file is written whole (to a temporary file beside it, then moved into place), so a reader never sees half a model. An existing file is kept, with error FileExists, unless -Force is given. The command honours -WhatIf and -Confirm; under -WhatIf it only says what it would write, even for an existing file without -Force.
'@
    Parameters  = @{
        Model    = 'The power model to save (PowerTrace.Core.Model.PowerModel), usually from the pipeline.'
        Path     = 'The JSON file to write. Relative paths resolve against the current PowerShell location; the folder must exist. Taken literally (no wildcards).'
        Force    = 'Overwrite an existing file. Without it an existing file is left alone and error FileExists is written.'
        PassThru = 'Write the FileInfo of the written file to the pipeline.'
    }
    Inputs      = @('PowerTrace.Core.Model.PowerModel')
    Examples    = @(
        @{
            Code    = "`$model | Export-PowerModel ./a6000-tp1.json"
            Remarks = 'Saves a model fitted with New-PowerModel, to share it or to synthesize with it later in another session.'
        }
        @{
            Code    = "`$model | Export-PowerModel ./a6000-tp1.json -Force -PassThru"
            Remarks = 'Replaces an earlier version of the file and returns the written file.'
        }
        @{
            Code    = "`$model | Export-PowerModel ./models/a6000-tp1-v2.json -WhatIf"
            Remarks = 'Shows where the model would be written without writing it (no FileExists error under -WhatIf).'
        }
    )
    Notes       = @'
Error ids: FileExists (the file exists and -Force was not given; non-terminating), IOError (e.g. the folder does not exist), AccessDenied.

Format: schema version 1 (see Import-PowerModel). Watts, seconds and UTC ISO 8601 times. The file holds no measured traces, only the fitted parameters and the names and spans of the training files.

New-PowerModel -Path writes the same document directly after fitting.
'@
    Links       = @('Import-PowerModel', 'New-PowerModel')
}
