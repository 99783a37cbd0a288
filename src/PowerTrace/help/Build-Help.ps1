<#
.SYNOPSIS
    Generates the module's MAML help (en-US/PowerTrace.dll-Help.xml) from one data file per cmdlet
    (help/<Cmdlet>.help.psd1) and the cmdlets' live parameter metadata. Called by build.ps1.
.DESCRIPTION
    The text (synopsis, description, parameter descriptions, examples, notes) is written by hand in
    the .help.psd1 files; the syntax (parameter sets, types, mandatory, position, pipeline input,
    aliases) is read from the compiled cmdlets so it can never drift from the code. A cmdlet without
    a data file, or a parameter without a description, still gets help, and the Pester help tests fail.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $HelpSource
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
Import-Module (Join-Path $ModuleFolder 'PowerTrace.psd1') -Force
$manifest = Import-PowerShellDataFile (Join-Path $ModuleFolder 'PowerTrace.psd1')

function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }
function Paras([string] $text) {
    if (-not $text) { return '<maml:para></maml:para>' }
    ($text -split "(\r?\n){2,}" | Where-Object { $_.Trim() } | ForEach-Object { "<maml:para>$(Esc $_.Trim())</maml:para>" }) -join ''
}
function TypeName([type] $t) {
    if ($t.IsArray) { return (TypeName $t.GetElementType()) + '[]' }
    if ($t.IsGenericType -and $t.GetGenericTypeDefinition() -eq [Nullable`1]) { return TypeName $t.GetGenericArguments()[0] }
    $t.Name
}

$sb = [System.Text.StringBuilder]::new()
[void] $sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void] $sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($name in ($manifest.CmdletsToExport | Sort-Object)) {
    $cmd = Get-Command $name -Module PowerTrace -ErrorAction SilentlyContinue
    if (-not $cmd) { continue }
    $file = Join-Path $HelpSource "$name.help.psd1"
    $h = if (Test-Path $file) { Import-PowerShellDataFile $file } else { @{} }
    $paramText = if ($h.ContainsKey('Parameters')) { $h.Parameters } else { @{} }
    # Parameters that accept wildcards are named in the data file (Wildcards = @('Path')); others are literal.
    $wildcards = if ($h.ContainsKey('Wildcards')) { @($h.Wildcards) } else { @() }
    $verb, $noun = $name -split '-', 2
    [void] $sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void] $sb.AppendLine("<command:details><command:name>$name</command:name><maml:description>$(Paras $h['Synopsis'])</maml:description><command:verb>$verb</command:verb><command:noun>$noun</command:noun></command:details>")
    [void] $sb.AppendLine("<maml:description>$(Paras $h['Description'])</maml:description>")

    $paramXml = {
        param($p, $setParam)
        $pos = if ($setParam -and $setParam.Position -ge 0) { $setParam.Position } else { 'named' }
        $req = if ($setParam) { $setParam.IsMandatory.ToString().ToLowerInvariant() } else { 'false' }
        $pipe = @()
        if ($setParam -and $setParam.ValueFromPipeline) { $pipe += 'ByValue' }
        if ($setParam -and $setParam.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $pipeText = if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
        $t = TypeName $p.ParameterType
        $desc = if ($paramText.ContainsKey($p.Name)) { $paramText[$p.Name] } else { '' }
        $isSwitch = $p.ParameterType -eq [switch]
        # Defaults of compiled cmdlets are not visible in their metadata: the descriptions state them.
        $default = if ($isSwitch) { 'False' } elseif ($req -eq 'true') { 'None' } else { '(see the description)' }
        $value = if ($isSwitch) { '' } else { "<command:parameterValue required=`"true`" variableLength=`"false`">$(Esc $t)</command:parameterValue>" }
        "<command:parameter required=`"$req`" variableLength=`"true`" globbing=`"$($wildcards -contains $p.Name)`" pipelineInput=`"$pipeText`" position=`"$pos`" aliases=`"$(Esc $aliases)`"><maml:name>$($p.Name)</maml:name><maml:description>$(Paras $desc)</maml:description>$value<dev:type><maml:name>$(Esc $t)</maml:name></dev:type><dev:defaultValue>$default</dev:defaultValue></command:parameter>"
    }

    [void] $sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void] $sb.Append("<command:syntaxItem><maml:name>$name</maml:name>")
        foreach ($sp in $set.Parameters) {
            if ($common -contains $sp.Name) { continue }
            $p = $cmd.Parameters[$sp.Name]
            [void] $sb.Append((& $paramXml $p $sp))
        }
        [void] $sb.AppendLine('</command:syntaxItem>')
    }
    [void] $sb.AppendLine('</command:syntax>')

    [void] $sb.AppendLine('<command:parameters>')
    foreach ($p in ($cmd.Parameters.Values | Where-Object { $common -notcontains $_.Name } | Sort-Object Name)) {
        $first = $p.ParameterSets.Values | Select-Object -First 1
        [void] $sb.AppendLine((& $paramXml $p $first))
    }
    [void] $sb.AppendLine('</command:parameters>')

    $inputs = @($h['Inputs']) | Where-Object { $_ }
    [void] $sb.Append('<command:inputTypes>')
    foreach ($i in $inputs) { [void] $sb.Append("<command:inputType><dev:type><maml:name>$(Esc $i)</maml:name></dev:type><maml:description><maml:para></maml:para></maml:description></command:inputType>") }
    [void] $sb.AppendLine('</command:inputTypes>')
    [void] $sb.Append('<command:returnValues>')
    foreach ($o in $cmd.OutputType) { [void] $sb.Append("<command:returnValue><dev:type><maml:name>$(Esc $o.Name)</maml:name></dev:type><maml:description><maml:para></maml:para></maml:description></command:returnValue>") }
    [void] $sb.AppendLine('</command:returnValues>')
    if ($h['Notes']) { [void] $sb.AppendLine("<maml:alertSet><maml:alert>$(Paras $h['Notes'])</maml:alert></maml:alertSet>") }

    [void] $sb.AppendLine('<command:examples>')
    $n = 0
    foreach ($ex in @($h['Examples']) | Where-Object { $_ }) {
        $n++
        [void] $sb.AppendLine("<command:example><maml:title>-------------------------- Example $n --------------------------</maml:title><dev:code>$(Esc $ex.Code)</dev:code><dev:remarks>$(Paras $ex.Remarks)</dev:remarks></command:example>")
    }
    [void] $sb.AppendLine('</command:examples>')
    [void] $sb.Append('<command:relatedLinks>')
    foreach ($l in @('about_PowerTrace') + @($h['Links'] | Where-Object { $_ })) {
        [void] $sb.Append("<maml:navigationLink><maml:linkText>$(Esc $l)</maml:linkText><maml:uri></maml:uri></maml:navigationLink>")
    }
    [void] $sb.AppendLine('</command:relatedLinks>')
    [void] $sb.AppendLine('</command:command>')
}
[void] $sb.AppendLine('</helpItems>')
$dest = Join-Path $ModuleFolder 'en-US'
New-Item -ItemType Directory -Force $dest | Out-Null
Set-Content -Path (Join-Path $dest 'PowerTrace.dll-Help.xml') -Value $sb.ToString() -Encoding utf8
$about = Join-Path $HelpSource 'about_PowerTrace.help.txt'
if (Test-Path $about) { Copy-Item $about $dest }
