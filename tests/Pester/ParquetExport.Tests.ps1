# Export-PowerTrace -Format Parquet from the built module (no extra assemblies needed to load it).
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $script:raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-pester-parquet-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:tmp | Out-Null
}
AfterAll {
    Remove-Item -LiteralPath $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Export-PowerTrace -Format Parquet' {
    It 'writes a Parquet file (PAR1 ... PAR1) by extension and by -Format, and honours -WhatIf and FileExists' {
        $t = Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt')
        $f = Join-Path $tmp 'tp1.parquet'
        $t | Export-PowerTrace $f -WhatIf
        Test-Path $f | Should -BeFalse
        $info = $t | Export-PowerTrace $f -PassThru
        $bytes = [IO.File]::ReadAllBytes($info.FullName)
        [Text.Encoding]::ASCII.GetString($bytes, 0, 4) | Should -Be 'PAR1'
        [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 4, 4) | Should -Be 'PAR1'
        # Every watts value is in the file as its 8 IEEE bytes.
        $first = [BitConverter]::GetBytes([double] $t.Watts[0])
        ([BitConverter]::ToString($bytes)).Contains([BitConverter]::ToString($first)) | Should -BeTrue
        { $t | Export-PowerTrace $f -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.ExportPowerTraceCommand'
        $t | Export-PowerTrace (Join-Path $tmp 'tp1.bin') -Format Parquet
        [IO.File]::ReadAllBytes((Join-Path $tmp 'tp1.bin')) | Should -Be $bytes
    }
}
