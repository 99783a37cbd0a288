using System;
using System.IO;
using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Model;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>Import-PowerModel: loads power models saved as JSON (Export-PowerModel, New-PowerModel -Path).</summary>
    [Cmdlet(VerbsData.Import, "PowerModel", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(PowerModel))]
    public sealed class ImportPowerModelCommand : FileReadingCmdlet
    {



        protected override void ProcessRecord()
        {
            foreach (string file in InputFiles())
            {
                try
                {
                    var model = PowerModelJson.Load(file);
                    WriteVerbose($"Loaded {model.Configuration}, {model.StateCount} states at {model.BinSeconds} s bins, from {file}.");
                    WriteObject(model);
                }
                catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteCoreError(ex, file);
                }
            }
        }
    }
}
