# The module imported from the built folder exactly as a user imports it.
BeforeAll {
    $modulePath = $env:POWERTRACE_MODULE
    Import-Module (Join-Path $modulePath 'PowerTrace.psd1') -Force
    $manifest = Import-PowerShellDataFile (Join-Path $modulePath 'PowerTrace.psd1')
}

Describe 'PowerTrace module' {
    It 'imports from the built folder and exports exactly the manifest''s cmdlets' {
        $exported = (Get-Command -Module PowerTrace).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        (Get-Command -Module PowerTrace -CommandType Function, Alias) | Should -BeNullOrEmpty
    }

    It 'loads its DLLs from the module folder, not elsewhere' {
        $asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PowerTrace.Core' }
        $asm.Location | Should -BeLike "$modulePath*"
    }

    It 'stays far under the Azure Automation 100 MB module limit' {
        $bytes = (Get-ChildItem $modulePath -Recurse -File | Measure-Object Length -Sum).Sum
        $bytes / 1MB | Should -BeLessThan 60
    }

    It 'claims only the Core edition (Desktop is untested)' {
        $manifest.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'has a default view for every type its cmdlets output' {
        foreach ($c in Get-Command -Module PowerTrace) {
            foreach ($t in $c.OutputType) {
                $name = if ($t.Type) { $t.Type.FullName } else { $t.Name }
                Get-FormatData -TypeName $name -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "$($c.Name) outputs $name"
            }
        }
        foreach ($nested in 'PowerTrace.Core.Model.PowerState', 'PowerTrace.Core.Analysis.OversubscriptionPoint', 'PowerTrace.Core.Analysis.LoadDurationPoint') {
            Get-FormatData -TypeName $nested | Should -Not -BeNullOrEmpty -Because "$nested is shown in tables"
        }
    }
}
