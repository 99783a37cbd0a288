using System;
using System.IO;
using System.Management.Automation;
using PowerTrace.Core.Model;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>Export-PowerModel: saves a power model as a JSON document (schema version 1).</summary>
    [Cmdlet(VerbsData.Export, "PowerModel", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportPowerModelCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";

        /// <summary>The model to save (pipeline).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DefaultSet)]
        [ValidateNotNull]
        public PowerModel? Model { get; set; }

        /// <summary>File to write.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DefaultSet)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Overwrite an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the file's FileInfo to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string full = ResolveOutputPath(Path!);
            if (!ShouldProcess(full, "Write power model")) return;
            if (File.Exists(full) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{full}' exists; use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, full));
                return;
            }
            try
            {
                PowerModelJson.Save(Model!, full);
                WriteVerbose($"Wrote {Model!.Configuration} ({Model.StateCount} states) to {full} ({new FileInfo(full).Length:N0} bytes).");
                if (PassThru) WriteObject(new FileInfo(full));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteCoreError(ex, full);
            }
        }
    }
}
