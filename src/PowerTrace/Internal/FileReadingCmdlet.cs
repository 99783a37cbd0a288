using System.Collections.Generic;
using System.Management.Automation;

namespace PowerTrace.Internal
{
    /// <summary>
    /// Base of the Import-* cmdlets: -Path (wildcards, from the pipeline) and -LiteralPath
    /// (aliases PSPath and LP, bound from Get-ChildItem output), resolved through the provider.
    /// Derived cmdlets declare <c>DefaultParameterSetName = PathSet</c>.
    /// </summary>
    public abstract class FileReadingCmdlet : PowerTraceCmdlet
    {
        /// <summary>Parameter set of -Path.</summary>
        protected const string PathSet = "Path";

        /// <summary>Parameter set of -LiteralPath.</summary>
        protected const string LiteralPathSet = "LiteralPath";

        /// <summary>Files to read; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Files to read, taken literally. Bound from Get-ChildItem output.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        /// <summary>The files this call names, resolved; unresolvable ones write a PathNotFound error and are skipped.</summary>
        protected IEnumerable<string> InputFiles()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            return ResolveFiles(literal ? LiteralPath : Path, literal);
        }
    }
}
