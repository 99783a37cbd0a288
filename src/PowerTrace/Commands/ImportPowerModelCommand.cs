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
    public sealed class ImportPowerModelCommand : PowerTraceCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>Model files; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Model files, taken literally. Bound from Get-ChildItem output.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string file in ResolveFiles(literal ? LiteralPath : Path, literal))
            {
                try
                {
                    WriteObject(PowerModelJson.Load(file));
                }
                catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteCoreError(ex, file);
                }
            }
        }
    }
}
