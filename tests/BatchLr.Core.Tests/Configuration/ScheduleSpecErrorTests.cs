using System;
using BatchLr.Configuration;

namespace BatchLr.Core.Tests.Configuration;

public class ScheduleSpecErrorTests
{
    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "Nope"}}""", "$.schedule.type", "*Nope*StepLR*")]
    [InlineData("""{"lr": 0.1, "schedule": {"step_size": 3}}""", "$.schedule.type", "*missing*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR"}}""", "$.schedule.T_max", "*missing*CosineAnnealingLR*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": [{"type": "StepLR"}, {"type": "constant"}]}}""", "$.schedule.schedulers[0].step_size", "*missing*")]
    [InlineData("""{"schedule": {"type": "constant"}}""", "$.lr", "*missing*")]
    public void Parse_UnknownTypeOrMissingParameter_NamesPath(string json, string path, string message) =>
        Check(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "3"}}""", "$.schedule.step_size", "*\"3\"*a finite number*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 3, "T_mult": 1.5}}""", "$.schedule.T_mult", "*1.5*whole number*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "cycle_momentum": 1}}""", "$.schedule.cycle_momentum", "*true or false*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "mode": "square"}}""", "$.schedule.mode", "*\"triangular\"*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [1, "x"]}}""", "$.schedule.milestones[1]", "*a finite number*")]
    [InlineData("""{"lr": [0.1, true], "schedule": {"type": "constant"}}""", "$.lr[1]", "*a finite number*")]
    [InlineData("""{"lr": 0.1, "clock": "hours", "schedule": {"type": "constant"}}""", "$.clock", "*\"epochs\"*")]
    [InlineData("""{"lr": 0.1, "schedule": [1]}""", "$.schedule", "*schedule object*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}""", "$", "*not valid JSON*")]
    public void Parse_MistypedValue_NamesPath(string json, string path, string message) =>
        Check(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 0}}""", "$.schedule.T_max", "'$.schedule.T_max' is 0; it must be a finite number greater than zero.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "constant"}, {"type": "ExponentialLR", "gamma": -1}]}}""", "$.schedule.schedulers[1].gamma", "'$.schedule.schedulers[1].gamma' is -1;*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [3, -1]}}""", "$.schedule.milestones[1]", "*zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "scale", "schedule": {"type": "constant"}, "factor": -1}}""", "$.schedule.factor", "*not negative*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "warmup", "schedule": {"type": "constant"}, "warmup_steps": 3, "start_value": -1}}""", "$.schedule.start_value", "*not negative*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "piecewise_constant", "boundaries": [5], "values": [-1, 2]}}""", "$.schedule.values[0]", "*not negative*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "polynomial", "num_training_steps": 10, "lr_end": -1}}""", "$.schedule.lr_end", "*not negative*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 10, "steps_per_epoch": 0}}""", "$.schedule.steps_per_epoch", "*1 or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "epochs": -10, "steps_per_epoch": -10}}""", "$.schedule.epochs", "*1 or more*")]
    [InlineData("""{"lr": [0.1, 0.2, -1], "schedule": {"type": "constant"}}""", "$.lr[2]", "*zero or more*")]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": [0.1, -0.001]}}""", "$.schedule.max_lr[1]", "*zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 3, "T_mult": 0}}""", "$.schedule.T_mult", "*1 or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau", "factor": 1.5}}""", "$.schedule.factor", "*less than 1*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "pct_start": 1.5}}""", "$.schedule.pct_start", "*between 0 and 1 inclusive*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": 10, "num_training_steps": 5}}""", "$.schedule.num_training_steps", "*greater than num_warmup_steps*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "polynomial", "num_training_steps": 5, "lr_end": 0.5}}""", "$.schedule.lr_end", "*less than lr*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": -2, "schedule": {"type": "constant"}}}""", "$.schedule.warmup_steps", "*greater than zero*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "clamp", "min": 0.5, "max": 0.1, "schedule": {"type": "constant"}}}""", "$.schedule.max", "*no less than minimum*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "piecewise_constant", "boundaries": [3], "values": [0.1]}}""", "$.schedule.values", "*one more than boundaries*")]
    public void Parse_OutOfRangeValue_NamesPath(string json, string path, string message) =>
        Check(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gama": 0.5}}""", "$.schedule.gama", "*not a parameter of StepLR*gamma*")]
    [InlineData("""{"lr": 0.1, "schedul": {"type": "constant"}}""", "$.schedul", "*not a parameter*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant", "num_warmup_steps": 0}}""", "$.schedule.num_warmup_steps", "*not a parameter of constant*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "step_size": 4}}""", "$.schedule.step_size", "*given twice*")]
    public void Parse_UnknownParameter_NamesPath(string json, string path, string message) =>
        Check(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_sise": 3}}""", "$.schedule.step_sise", "'$.schedule.step_sise' is not a parameter of StepLR; it takes step_size, gamma. Did you mean step_size?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "setp_size": 3}}""", "$.schedule.setp_size", "*Did you mean step_size?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "t_max": 3}}""", "$.schedule.t_max", "*Did you mean T_max?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_step": 3, "num_training_steps": 10}}""", "$.schedule.num_warmup_step", "*Did you mean num_warmup_steps?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"pateince": 3}}""", "$.on_plateau.pateince", "*it takes mode, patience,*Did you mean patience?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_sizes": 32}}""", "$.batch.batch_sizes", "*Did you mean batch_size?*")]
    [InlineData("""{"lr": 0.1, "shedule": {"type": "constant"}}""", "$.shedule", "'$.shedule' is not a parameter of the spec; it takes lr, clock, schedule,*. Did you mean schedule?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "max_micro_batchsize": 8}""", "$.max_micro_batchsize", "*Did you mean max_micro_batch_size?*")]
    public void Parse_MistypedParameterOrKey_SuggestsNearestName(string json, string path, string message) =>
        Check(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLr", "step_size": 3}}""", "$.schedule.type", "'$.schedule.type' is \"StepLr\"; it must be one of ConstantLR, *. Did you mean \"StepLR\"?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine_with_restart", "num_training_steps": 3}}""", "$.schedule.type", "*Did you mean \"cosine_with_restarts\"?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnealingLR", "T_max": 3}}""", "$.schedule.type", "*Did you mean \"CosineAnnealingLR\"?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": 3, "schedule": {"type": "contsant"}}}""", "$.schedule.schedule.type", "*Did you mean \"constant\"?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixd", "batch_size": 32}}""", "$.batch.type", "*one of fixed, steps,*Did you mean \"fixed\"?*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "sqr", "reference_batch_size": 32}}""", "$.scaling.type", "*Did you mean \"sqrt\"?*")]
    public void Parse_MistypedTypeName_SuggestsNearestType(string json, string path, string message) =>
        Check(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "momentum": 0.9}}""", "$.schedule.momentum")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "optimizer": "sgd"}""", "$.optimizer")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "Adam"}}""", "$.schedule.type")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": 3}}""", "$.schedule.type")]
    public void Parse_NameFarFromEveryKnownName_SuggestsNothing(string json, string path)
    {
        Action act = () => ScheduleSpec.Parse(json);

        ScheduleSpecException e = act.Should().Throw<ScheduleSpecException>().Which;
        e.Path.Should().Be(path);
        e.Message.Should().NotContain("Did you mean");
    }

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "ReduceLROnPlateau"}, {"type": "constant"}]}}""", "$.schedule.schedulers[0].type")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": 2, "schedule": {"type": "reduce_lr_on_plateau"}}}""", "$.schedule.schedule.type")]
    public void Parse_NestedReduceLROnPlateau_NamesPath(string json, string path) =>
        Check(json, path, "*top-level schedule only*");

    [Theory]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "OneCycleLR", "max_lr": [1, 2, 3], "total_steps": 10}}""", "$.schedule.max_lr")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": [0.01, 0.02], "max_lr": 0.1}}""", "$.schedule.base_lr")]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "ReduceLROnPlateau", "min_lr": [0]}}""", "$.schedule.min_lr")]
    public void Parse_PerGroupListLengthNotLrLength_NamesPath(string json, string path) =>
        Check(json, path, "*one number per parameter group*");

    [Theory]
    [InlineData("LambdaLR")]
    [InlineData("MultiplicativeLR")]
    public void Parse_FunctionScheduler_SaysToBuildItInCode(string type) =>
        Check("{\"lr\": 0.1, \"schedule\": {\"type\": \"" + type + "\"}}", "$.schedule.type", "*Schedule.FromFunction*");

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1}}""", "$.schedule.total_steps")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 3}}""", "$.schedule.steps_per_epoch")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "epochs": 3}}""", "$.schedule.epochs")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 10}}""", "$.schedule.min_lr_rate")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 10, "min_lr": 0.01, "min_lr_rate": 0.1}}""", "$.schedule.min_lr_rate")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "warmup_stable_decay", "num_decay_steps": 10}}""", "$.schedule.num_stable_steps")]
    public void Parse_AlternativeParameters_NamesPath(string json, string path) =>
        Check(json, path, "*");

    // Exact messages: each part of a message (the path, the value as written, the rule) is built by its own code, so a
    // test that matches the whole sentence checks every part. The value is shown as its raw JSON text (5, "x"); an
    // object or array by its kind; and raw text longer than 40 characters is cut to 40 and ends in an ellipsis.
    [Theory]
    [InlineData("""{"lr": [], "schedule": {"type": "constant"}}""", "$.lr", "'$.lr' is an empty array; it must be a number, or an array with one number per parameter group.")]
    [InlineData("""{"lr": 0.1, "lr": 0.2, "schedule": {"type": "constant"}}""", "$.lr", "'$.lr' is given twice; it must be given once.")]
    [InlineData("""{"lr": 0.1, "clock": 5, "schedule": {"type": "constant"}}""", "$.clock", "'$.clock' is 5; it must be one of \"steps\", \"samples\", \"tokens\", \"epochs\".")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "epoch_boundary": 5}""", "$.epoch_boundary", "'$.epoch_boundary' is 5; it must be one of \"continue\", \"keep\", \"drop\".")]
    [InlineData("""{"lr": 0.1, "schedule": {}}""", "$.schedule.type", "'$.schedule.type' is missing; every schedule object requires it.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": 5}}""", "$.schedule.type", "'$.schedule.type' is 5; it must be a string naming the schedule type.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "LambdaLR"}}""", "$.schedule.type", "'$.schedule.type' is \"LambdaLR\"; it must be a type that JSON can describe: LambdaLR takes a Python function, so build it in code with Schedule.FromFunction.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": 5}""", "$.batch", "'$.batch' is 5; it must be a batch object with a \"type\".")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {}}""", "$.batch.type", "'$.batch.type' is missing; every batch object requires it.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau", "threshold_mode": 5}}""", "$.schedule.threshold_mode", "'$.schedule.threshold_mode' is 5; it must be one of \"rel\", \"abs\".")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": 5}}""", "$.schedule.schedulers", "'$.schedule.schedulers' is 5; it must be an array of schedule objects.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [true]}}""", "$.schedule.milestones[0]", "'$.schedule.milestones[0]' is true; it must be a finite number on the clock it is read on, a string with a unit (\"2ep\", \"1000ba\", \"5e4sp\", \"1e6tok\") or a fraction of the duration (\"0.1dur\").")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": ["0dur"]}}""", "$.schedule.milestones[0]", "'$.schedule.milestones[0]' is \"0dur\"; it must be a fraction greater than zero followed by dur, such as \"0.1dur\".")]
    [InlineData("""{"lr": 0.1, "clock": "abcdefghijklmnopqrstuvwxyzabcdefghijkl", "schedule": {"type": "constant"}}""", "$.clock", "'$.clock' is \"abcdefghijklmnopqrstuvwxyzabcdefghijkl\"; it must be one of \"steps\", \"samples\", \"tokens\", \"epochs\".")]
    [InlineData("""{"lr": 0.1, "clock": "abcdefghijklmnopqrstuvwxyzabcdefghijklm", "schedule": {"type": "constant"}}""", "$.clock", "'$.clock' is \"abcdefghijklmnopqrstuvwxyzabcdefghijklm…; it must be one of \"steps\", \"samples\", \"tokens\", \"epochs\".")]
    // A factory's ArgumentOutOfRangeException reads "'rate' is -1; it must be a finite number greater than zero. (Parameter
    // 'rate')", then "Actual value was -1." on a line of its own (Guard.Positive, .NET's message): the spec keeps the sentence,
    // with the factory's name replaced by the JSON path, and drops the parameter suffix and the line after it.
    [InlineData("""{"lr": 0.1, "schedule": {"type": "ExponentialLR", "gamma": -1}}""", "$.schedule.gamma", "'$.schedule.gamma' is -1; it must be a finite number greater than zero.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [10], "schedulers": [{"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}]}}""", "$.schedule.schedulers[1]", "'$.schedule.schedulers[1]' is a second OneCycleLR (the first is $.schedule.schedulers[0]); it must be the only OneCycleLR of the spec, since PyTorch keeps a OneCycleLR's max_lr, initial_lr and min_lr in the optimizer's parameter groups, where the OneCycleLR constructed last overwrites the others'.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "clamp", "schedule": null}}""", "$.schedule.schedule", "'$.schedule.schedule' is null; it must be a schedule object with a \"type\".")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": null}}""", "$.schedule.schedulers", "'$.schedule.schedulers' is null; it must be an array of schedule objects.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "scale_mode": 5}}""", "$.schedule.scale_mode", "'$.schedule.scale_mode' is 5; it must be one of \"cycle\", \"iterations\" or null.")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "steps", "milestones": ["1ep"], "sizes": [8, 16], "clock": "tokens"}}""", "$.batch.milestones[0]", "'$.batch.milestones[0]' is \"1ep\"; converting epochs to tokens needs the tokens of each sample, which a spec does not know: write it in tok, or put it on the tokens clock.")]
    public void Parse_RefusedValue_GivesTheWholeMessage(string json, string path, string message) =>
        Check(json, path, message + " (Parameter '" + path + "')");

    [Fact]
    public void Parse_MisspelledType_HintsAtTheNearestTypeInQuotes() =>
        Check("""{"lr": 0.1, "schedule": {"type": "StepLr", "step_size": 3}}""", "$.schedule.type", "'$.schedule.type' is \"StepLr\"; it must be one of *. Did you mean \"StepLR\"? (Parameter '$.schedule.type')");

    [Fact]
    public void Parse_MisspelledKey_HintsAtTheNearestKeyWithoutQuotes() =>
        Check("""{"lr": 0.1, "schedul": {"type": "constant"}}""", "$.schedul", "'$.schedul' is not a parameter of the spec; it takes *. Did you mean schedule? (Parameter '$.schedul')");

    [Fact]
    public void Parse_BatchTypeNotAString_ListsTheTypesWithoutAHint() =>
        Check("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": 5}}""", "$.batch.type", "'$.batch.type' is 5; it must be one of *fixed*. (Parameter '$.batch.type')");

    [Fact]
    public void Path_WithoutParamName_IsEmpty()
    {
        var e = new ScheduleSpecException("message");

        e.Path.Should().BeEmpty();
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Action act = () => ScheduleSpec.Parse(null!);

        act.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("json");
    }

    private static void Check(string json, string path, string message)
    {
        Action act = () => ScheduleSpec.Parse(json);

        ScheduleSpecException e = act.Should().Throw<ScheduleSpecException>().WithMessage(message).Which;
        e.Path.Should().Be(path);
        e.ParamName.Should().Be(path);
        e.Should().BeAssignableTo<ArgumentException>();
    }
}
