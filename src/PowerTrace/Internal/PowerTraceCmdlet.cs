using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using PowerTrace.Core.Errors;

namespace PowerTrace.Internal
{
    /// <summary>
    /// Shared plumbing for PowerTrace cmdlets: path resolution through the provider, mapping core
    /// exceptions to error records with stable ids, cancellation on Ctrl+C, one reused progress record.
    /// </summary>
    public abstract class PowerTraceCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private ProgressRecord? _progress;

        /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing); the core observes it.</summary>
        protected CancellationToken CancellationToken => _cancel.Token;

        protected override void StopProcessing() => _cancel.Cancel();

        /// <summary>
        /// Resolves -Path (wildcards) or -LiteralPath to file-system paths. Unresolvable paths produce a
        /// non-terminating error ("PathNotFound") and are skipped.
        /// </summary>
        protected IEnumerable<string> ResolveFiles(string[]? paths, bool literal)
        {
            if (paths == null) yield break;
            foreach (string p in paths)
            {
                List<string> resolved = new List<string>();
                try
                {
                    if (literal)
                    {
                        string full = GetUnresolvedProviderPathFromPSPath(p);
                        if (!File.Exists(full))
                            throw new ItemNotFoundException($"Cannot find file '{full}' because it does not exist.");
                        resolved.Add(full);
                    }
                    else
                    {
                        var found = GetResolvedProviderPathFromPSPath(p, out ProviderInfo provider);
                        if (provider.Name != "FileSystem")
                            throw new ArgumentException($"'{p}' is not a file-system path (provider {provider.Name}).");
                        foreach (string f in found)
                        {
                            if (Directory.Exists(f)) continue;
                            resolved.Add(f);
                        }
                    }
                }
                catch (Exception ex) when (ex is ItemNotFoundException || ex is ArgumentException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException || ex is NotSupportedException)
                {
                    WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, p));
                    continue;
                }
                foreach (string f in resolved) yield return f;
            }
        }

        /// <summary>
        /// Resolves an output path (which need not exist) to a file-system path. Another provider's drive, an
        /// unknown drive or a malformed path stops the call with error id InvalidOutputPath.
        /// </summary>
        protected string ResolveOutputPath(string path)
        {
            if (!TryResolveFileSystemPath(path, out string full, out string problem))
                ThrowTerminatingError(new ErrorRecord(new InvalidSettingException("InvalidOutputPath", "Path", problem),
                    "InvalidOutputPath", ErrorCategory.InvalidArgument, path));
            return full;
        }

        /// <summary>Resolves a path that need not exist to a file-system path; false with the reason otherwise.</summary>
        protected bool TryResolveFileSystemPath(string path, out string full, out string problem)
        {
            full = "";
            problem = "";
            ProviderInfo provider;
            try { full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _); }
            catch (Exception ex) when (ex is RuntimeException || ex is ArgumentException || ex is NotSupportedException
                || ex is InvalidOperationException || ex is IOException)
            {
                problem = $"'{path}' is not a usable file path: {ex.Message}";
                return false;
            }
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                problem = $"'{path}' is on the {provider.Name} provider; give a file-system path.";
                return false;
            }
            return true;
        }

        /// <summary>An error record for a core exception, with its stable id and a fitting category.</summary>
        protected static ErrorRecord ToErrorRecord(Exception ex, object? target)
        {
            switch (ex)
            {
                case InputFormatException f:
                    return new ErrorRecord(f, f.ErrorId, ErrorCategory.InvalidData, target ?? f.File);
                case InvalidSettingException s:
                    return new ErrorRecord(s, s.ErrorId, ErrorCategory.InvalidArgument, target ?? s.Parameter);
                case PowerTraceException p:
                    return new ErrorRecord(p, p.ErrorId, ErrorCategory.InvalidOperation, target);
                case OperationCanceledException c:
                    return new ErrorRecord(c, "OperationStopped", ErrorCategory.OperationStopped, target);
                case FileNotFoundException nf:
                    return new ErrorRecord(nf, "FileNotFound", ErrorCategory.ObjectNotFound, target ?? nf.FileName);
                case UnauthorizedAccessException ua:
                    return new ErrorRecord(ua, "AccessDenied", ErrorCategory.PermissionDenied, target);
                case IOException io:
                    return new ErrorRecord(io, "IOError", ErrorCategory.ReadError, target);
                case ArgumentException a:
                    return new ErrorRecord(a, "InvalidArgument", ErrorCategory.InvalidArgument, target);
                default:
                    return new ErrorRecord(ex, "UnexpectedError", ErrorCategory.NotSpecified, target);
            }
        }

        /// <summary>Writes a non-terminating error for a core exception.</summary>
        protected void WriteCoreError(Exception ex, object? target) => WriteError(ToErrorRecord(ex, target));

        /// <summary>Stops the whole call with a terminating error for a core exception.</summary>
        protected void ThrowCoreError(Exception ex, object? target) => ThrowTerminatingError(ToErrorRecord(ex, target));

        /// <summary>Writes progress with one reused record (call from the pipeline thread only).</summary>
        protected void ReportProgress(string activity, string status, double fraction)
        {
            if (_progress == null) _progress = new ProgressRecord(Math.Abs(GetType().Name.GetHashCode() % 100000) + 1, activity, status);
            _progress.Activity = activity;
            _progress.StatusDescription = status;
            _progress.PercentComplete = Math.Max(0, Math.Min(100, (int)(fraction * 100)));
            _progress.RecordType = ProgressRecordType.Processing;
            WriteProgress(_progress);
        }

        /// <summary>Completes the progress bar, if one was shown.</summary>
        protected void CompleteProgress()
        {
            if (_progress == null) return;
            _progress.RecordType = ProgressRecordType.Completed;
            _progress.PercentComplete = 100;
            WriteProgress(_progress);
            _progress = null;
        }
    }
}
