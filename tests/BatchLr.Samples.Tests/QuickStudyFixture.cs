using System;
using System.Collections.Generic;
using System.Linq;
using BatchSizeStudy;
using QuickStart.Data;

namespace BatchLr.Samples.Tests;

/// <summary>The study's quick mode on the embedded digits, run once for the tests that read it: every recipe, the search and the report.</summary>
public sealed class QuickStudyFixture : IDisposable
{
    public QuickStudyFixture()
    {
        Settings = new StudySettings { Quick = true, Dataset = "digits", Output = SampleProcess.TemporaryFolder() };
        Data = Models.Load("digits", null, Settings.Seed);
        Trainer = new Trainer(Data, Settings);
        List<RunResult> fixedRuns = Recipes.Fixed(Settings).Select(r => Trainer.Run(r)).ToList();
        List<RunResult> dynamicRuns = Recipes.Dynamic(Settings).Select(r => Trainer.Run(r)).ToList();
        (IReadOnlyList<HalvingSearch.Trial> trials, int chosen) = HalvingSearch.Run(Trainer, Settings);
        Results = new StudyResults(Settings, fixedRuns, dynamicRuns, trials, chosen, 1);
        Plots = BatchSizeStudy.Plots.Write(Results, Settings.Output);
        ReportPath = Report.Write(Results, Settings.Output, Plots);
    }

    internal StudySettings Settings { get; }

    internal ImageSet Data { get; }

    internal Trainer Trainer { get; }

    internal StudyResults Results { get; }

    internal IReadOnlyList<string> Plots { get; }

    internal string ReportPath { get; }

    public void Dispose() => Data.Dispose();
}
