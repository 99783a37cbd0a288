@{
    RootModule           = 'PowerTrace.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0c7a52-8d0e-4a8b-9d56-3b1f6f1d2c41'
    Author               = 'PowerTrace developers'
    CompanyName          = 'PowerTrace'
    Copyright            = '(c) PowerTrace developers. MIT licence.'
    Description          = 'Learns how LLM-inference GPU servers draw power from measured traces, synthesizes power traces for new traffic and sites (server to facility), and answers capacity-planning questions: oversubscription under a breaker, peaks and ramps for the utility.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    RequiredAssemblies   = @('PowerTrace.Core.dll')
    FormatsToProcess     = @(
        'formats/Traces.Format.ps1xml'
        'formats/Model.Format.ps1xml'
        'formats/Analysis.Format.ps1xml'
        'formats/Synthesis.Format.ps1xml'
        'formats/Derivation.Format.ps1xml'
        'formats/Planning.Format.ps1xml'
    )
    CmdletsToExport      = @(
        'Import-PowerTrace'
        'Import-RequestTrace'
        'Import-EngineState'
        'Export-PowerPlot'
        'Export-PowerTrace'
        'New-PowerModel'
        'Export-PowerModel'
        'Import-PowerModel'
        'Test-PowerModel'
        'Measure-Oversubscription'
        'Measure-LoadProfile'
        'Measure-PowerCap'
        'Invoke-TraceSynthesis'
        'Merge-PowerTrace'
        'Resize-PowerTrace'
        'New-PowerReport'
        'Get-PowerModel'
        'New-InterconnectionStudy'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('power', 'GPU', 'LLM', 'inference', 'datacenter', 'capacity-planning', 'grid', 'PSEdition_Core', 'Linux', 'Windows')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = '0.1.0: import measured power and request logs; fit, test, save and derive power models (16 built-in reference models); synthesize server-to-facility traces with exact sharding; oversubscription, load profile and power-cap analyses; plots and site-study reports; aggregate (central-limit) synthesis for many-server sites; phased interconnection studies.'
        }
    }
}
