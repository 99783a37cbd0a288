# Help completeness: every exported cmdlet has a synopsis, a description, every parameter described
# and at least two examples, as a user sees them with Get-Help -Full.
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1')
    $cmdlets = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $cmd = Get-Command $Name -Module PowerTrace
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *[<CommonParameters>]*"
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 40
    }

    It 'describes every parameter' {
        $described = @{}
        foreach ($p in $help.parameters.parameter) { $described[$p.name] = ($p.description.Text -join ' ').Trim() }
        foreach ($p in $cmd.Parameters.Keys | Where-Object { $common -notcontains $_ }) {
            $described[$p] | Should -Not -BeNullOrEmpty -Because "parameter -$p of $Name needs a description"
        }
    }

    It 'has at least two examples with code and remarks' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($ex in $help.examples.example) {
            $ex.code | Should -Not -BeNullOrEmpty
            ($ex.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'about_PowerTrace' {
    It 'explains the concepts and the pipeline' {
        $about = Get-Help about_PowerTrace
        ($about | Out-String) | Should -Match 'Import-PowerTrace'
        ($about | Out-String) | Should -Match 'Invoke-TraceSynthesis'
    }
}
