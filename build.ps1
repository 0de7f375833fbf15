#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and publishes the validator.
.DESCRIPTION
    Targets:
      build    Release build of the whole solution (warnings are errors).
      test     Runs every test project; prints "Tests: N passed, N failed" from the TRX results.
      publish  Self-contained linux-arm64 (the Raspberry Pi) and linux-x64 (the lab) builds of `validator`.
      ci       build, test, publish: everything CI checks.
      package  publish, then the Debian packages validator_<version>_arm64.deb and _amd64.deb in artifacts/packages/.
      bench    every bench in one go (Release; about 2 hours: 1,000 taps per card profile at ~1 s each, because pcscd
               polls the virtual reader for card presence every 400 ms, and the 10-minute GC storm): each writes a markdown fragment to
               artifacts/bench/NAME.md, which replaces the text between <!-- bench:NAME --> and <!-- /bench:NAME -->
               in docs/performance.md under a line with date, machine, commit and load. -Only NAME,NAME runs some;
               -StormSeconds sets the GC storm's length (default 600); -Taps the taps per profile (default 1000; the slow
               card takes at most 200).
    Usage on a fresh machine:  dotnet tool restore && dotnet pwsh build.ps1 test
#>
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish', 'ci', 'package', 'bench')]
    [string] $Target = 'build',
    [string] $Configuration = 'Release',
    [string[]] $Only = @(),
    [int] $StormSeconds = 600,
    [int] $Taps = 1000
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$artifacts = Join-Path $root 'artifacts'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Step([string] $name) {
    Write-Host ''
    Write-Host "==> $name" -ForegroundColor Cyan
}

function Invoke-Native([string] $what, [scriptblock] $command) {
    & $command
    if ($LASTEXITCODE -ne 0) {
        Write-Host "FAILED: $what (exit code $LASTEXITCODE)" -ForegroundColor Red
        exit $LASTEXITCODE
    }
}

function Invoke-Build {
    Step "build ($Configuration)"
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $root 'Validator.sln') -c $Configuration -nologo -clp:NoSummary }
}

function Get-TestTotals([string] $resultsDir) {
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem -Path $resultsDir -Filter '*.trx' -ErrorAction SilentlyContinue) {
        [xml] $doc = Get-Content -Raw -LiteralPath $trx.FullName
        $counters = $doc.TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        $skipped += [int] $counters.notExecuted
    }
    return [pscustomobject] @{ Passed = $passed; Failed = $failed; Skipped = $skipped }
}

function Invoke-Test {
    Invoke-Build
    Step 'test'
    $results = Join-Path $artifacts 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    # Every temporary file the tests write lands in artifacts/tmp, so the PAN scan below sees all of them.
    $tmp = Join-Path $artifacts 'tmp'
    if (Test-Path $tmp) { Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue }
    New-Item -ItemType Directory -Force -Path $tmp | Out-Null
    $savedTmp = $env:TMPDIR
    $env:TMPDIR = $tmp
    try {
        dotnet test (Join-Path $root 'Validator.sln') -c $Configuration --no-build -nologo `
            --results-directory $results --logger 'trx' --logger 'console;verbosity=normal'
        $exit = $LASTEXITCODE
    }
    finally {
        $env:TMPDIR = $savedTmp
    }
    Step 'PAN scan of test results, logs and temporary files'
    dotnet run --project (Join-Path $root 'tests/Validator.PanScan') -c $Configuration --no-build -- $results $tmp
    $panScan = $LASTEXITCODE
    $totals = Get-TestTotals $results
    if ($totals.Passed + $totals.Failed -eq 0) {
        Write-Host 'FAILED: no test ran' -ForegroundColor Red
        exit 1
    }
    Write-Host ''
    Write-Host "Tests: $($totals.Passed) passed, $($totals.Failed) failed, $($totals.Skipped) skipped"
    if ($panScan -ne 0) {
        Write-Host 'FAILED: a card number was found in the files the tests wrote' -ForegroundColor Red
        exit 1
    }
    if ($exit -ne 0 -or $totals.Failed -gt 0) {
        Write-Host "FAILED: tests (exit code $exit)" -ForegroundColor Red
        exit 1
    }
}

function Invoke-Publish {
    foreach ($rid in 'linux-arm64', 'linux-x64') {
        Step "publish $rid"
        $out = Join-Path $artifacts "publish/$rid"
        Invoke-Native "publish $rid" {
            dotnet publish (Join-Path $root 'src/Validator.Daemon/Validator.Daemon.csproj') -c $Configuration -r $rid `
                --self-contained true -p:PublishReadyToRun=true -o $out -nologo
        }
        $exe = Join-Path $out 'validator'
        if (-not (Test-Path $exe)) {
            Write-Host "FAILED: $exe was not produced" -ForegroundColor Red
            exit 1
        }
        Write-Host "  $exe"
    }
}

# One line per bench: its NAME (the docs/performance.md markers <!-- bench:NAME --> … <!-- /bench:NAME -->), the
# project, and its arguments; every bench also gets --markdown artifacts/bench/NAME.md and writes its fragment there.
function Get-Benches([string] $out) {
    $storm = "$StormSeconds"
    return @(
        @{ Name = 'feedback'; Project = 'tests/Validator.Gpio.Bench'; Args = @('50000') }
        @{ Name = 'journal'; Project = 'tests/Validator.Storage.Bench'; Args = @('5000', (Join-Path $out 'journal-data')) }
        @{ Name = 'apdus'; Project = 'tests/Validator.ApduBench'; Args = @() }
        @{ Name = 'tap-path'; Project = 'tests/Validator.TapBench'; Args = @('--taps', "$Taps", '--deny', '1000000') }
        @{ Name = 'slow-card'; Project = 'tests/Validator.TapBench'; Args = @('--taps', "$([Math]::Min(200, $Taps))", '--deny', '1000000', '--apdu-delay-ms', '25') }
        @{ Name = 'gc'; Project = 'tests/Validator.TapBench'; Args = @('--storm-seconds', $storm, '--deny', '1000000') }
        # The upload soak is an [Explicit] NUnit test; it takes --markdown as a test run parameter (see Invoke-OneBench).
        @{ Name = 'upload'; Test = 'tests/Validator.Sync.Tests'; Filter = 'Name~A_hundred_thousand' }
        # Fare decisions, list updates, memory and start: tests/Validator.Fares.Bench, one data directory for the three
        # (prepared once, ~15 s + ~80 s for the back office's 1M list, kept for later runs). 'start' and the daemon's own
        # update in 'lists' measure the ReadyToRun publish, which Invoke-Bench makes first when either is run.
        @{ Name = 'decisions'; Project = 'tests/Validator.Fares.Bench'; Args = @((Join-Path $out 'fares-data')) }
        @{ Name = 'lists'; Project = 'tests/Validator.Fares.Bench'; Args = @('lists', (Join-Path $out 'fares-data')) }
        @{ Name = 'start'; Project = 'tests/Validator.Fares.Bench'; Args = @('start', (Join-Path $out 'fares-data')) }
    )
}

# "CPU model, N cores, OS, .NET runtime" of this machine, for the line above each table.
function Get-MachineText {
    $cpu = ((Get-Content /proc/cpuinfo | Select-String -Pattern '^model name' | Select-Object -First 1) -replace '^model name\s*:\s*', '').Trim()
    $os = ((Get-Content /etc/os-release | Select-String -Pattern '^PRETTY_NAME=' | Select-Object -First 1) -replace '^PRETTY_NAME=', '').Trim('"')
    $kernel = (uname -r)
    $runtime = (dotnet --list-runtimes | Select-String -Pattern '^Microsoft\.NETCore\.App (\S+)' | ForEach-Object { [version] $_.Matches[0].Groups[1].Value } |
        Sort-Object | Select-Object -Last 1)
    # The last-level cache sizes the runtime's gen-0 budget, so GC figures of two hosts differ with it.
    $l3 = '/sys/devices/system/cpu/cpu0/cache/index3/size'
    $cache = if (Test-Path $l3) { ", $((Get-Content $l3).Trim()) L3" } else { '' }
    return "$cpu, $([Environment]::ProcessorCount) cores$cache, $os (Linux $kernel), .NET $runtime"
}

function Invoke-OneBench([hashtable] $bench, [string] $out) {
    $markdown = Join-Path $out "$($bench.Name).md"
    if (Test-Path $markdown) { Remove-Item -Force $markdown }
    $log = Join-Path $out "$($bench.Name).txt"
    if ($bench.ContainsKey('Test')) {
        # NUnit reads TestContext.Parameters from the run settings.
        $settings = Join-Path $out "$($bench.Name).runsettings"
        Set-Content -Path $settings -Value @"
<RunSettings><TestRunParameters><Parameter name="markdown" value="$markdown" /></TestRunParameters></RunSettings>
"@
        $arguments = @('test', (Join-Path $root $bench.Test), '-c', $Configuration, '--no-build', '--filter', $bench.Filter,
            '--settings', $settings, '--logger', 'console;verbosity=detailed')
    }
    else {
        $arguments = @('run', '-c', $Configuration, '--no-build', '--project', (Join-Path $root $bench.Project), '--') + $bench.Args + @('--markdown', $markdown)
    }
    & dotnet @arguments 2>&1 | Tee-Object -FilePath $log | Out-Host
    if ($LASTEXITCODE -ne 0) { return "exit code $LASTEXITCODE" }
    if (-not (Test-Path $markdown)) { return "wrote no $markdown" }
    return $null
}

# Replaces the text between <!-- bench:NAME --> and <!-- /bench:NAME --> with $text; the prose around stays.
function Set-BenchSection([string] $doc, [string] $name, [string] $text) {
    $open = "<!-- bench:$name -->"
    $close = "<!-- /bench:$name -->"
    $start = $doc.IndexOf($open, [StringComparison]::Ordinal)
    $end = $doc.IndexOf($close, [StringComparison]::Ordinal)
    if ($start -lt 0 -or $end -lt $start) { throw "docs/performance.md has no '$open' … '$close' pair" }
    return $doc.Substring(0, $start + $open.Length) + "`n" + $text.TrimEnd() + "`n" + $doc.Substring($end)
}

function Invoke-Bench {
    $docPath = Join-Path $root 'docs/performance.md'
    $out = Join-Path $artifacts 'bench'
    # "-Only a,b" arrives as one string when the script is started with a file name (dotnet pwsh build.ps1 …).
    $Only = @($Only | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
    $benches = @(Get-Benches $out | Where-Object { $Only.Count -eq 0 -or $Only -contains $_['Name'] })
    if ($Only) {
        $names = @(Get-Benches $out | ForEach-Object { $_['Name'] })
        $unknown = @($Only | Where-Object { $_ -notin $names })
        if ($unknown) { Write-Host "FAILED: no bench named $($unknown -join ', ')" -ForegroundColor Red; exit 1 }
    }
    # Every marker pair must be there before half an hour of measuring.
    $doc = Get-Content -Raw -LiteralPath $docPath
    $missing = @($benches |
        Where-Object { $doc.IndexOf("<!-- bench:$($_.Name) -->", [StringComparison]::Ordinal) -lt 0 -or $doc.IndexOf("<!-- /bench:$($_.Name) -->", [StringComparison]::Ordinal) -lt 0 } |
        ForEach-Object { $_.Name })
    if ($missing) {
        Write-Host "FAILED: docs/performance.md lacks the markers <!-- bench:NAME --> … <!-- /bench:NAME --> for: $($missing -join ', ')" -ForegroundColor Red
        exit 1
    }
    # The commit measured; "dirty" when the tree differs from it (taken before this run rewrites the doc).
    $commit = (git -C $root rev-parse --short HEAD)
    if (git -C $root status --porcelain --untracked-files=no) { $commit += ', dirty' }
    Invoke-Build
    if ($benches | Where-Object { $_['Name'] -in 'start', 'lists' }) { Invoke-Publish }
    New-Item -ItemType Directory -Force -Path $out | Out-Null
    $machine = Get-MachineText
    $failed = @()
    foreach ($bench in $benches) {
        Step "bench $($bench.Name)"
        $load = ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' '
        $when = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')
        $problem = Invoke-OneBench $bench $out
        if ($problem) {
            Write-Host "bench $($bench.Name) FAILED: $problem" -ForegroundColor Red
            $failed += $bench.Name
            continue
        }
        $fragment = Get-Content -Raw -LiteralPath (Join-Path $out "$($bench.Name).md")
        $doc = Set-BenchSection (Get-Content -Raw -LiteralPath $docPath) $bench.Name "Measured $when UTC on $machine, commit $commit, load average at start $($load):`n`n$fragment"
        Set-Content -LiteralPath $docPath -Value $doc.TrimEnd() -NoNewline
        Add-Content -LiteralPath $docPath -Value ''
        Write-Host "docs/performance.md: section $($bench.Name) updated"
    }
    Write-Host ''
    Write-Host "bench logs and fragments in $out"
    if ($failed.Count -gt 0) {
        Write-Host "FAILED: $($failed -join ', ')" -ForegroundColor Red
        exit 1
    }
}

function Invoke-Package {
    Invoke-Publish
    # One version for the assembly and the package: <Version> in Directory.Build.props.
    [xml] $props = Get-Content -Raw (Join-Path $root 'Directory.Build.props')
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.Version } | Where-Object { $_ })[0]
    if (-not $version) {
        Write-Host 'FAILED: no <Version> in Directory.Build.props' -ForegroundColor Red
        exit 1
    }
    $packages = Join-Path $artifacts 'packages'
    foreach ($pair in @(@('arm64', 'linux-arm64'), @('amd64', 'linux-x64'))) {
        Step "package validator $version $($pair[0])"
        # The staging and dpkg-deb steps live in deploy/build-deb.sh, next to the files it packs.
        Invoke-Native "package $($pair[0])" {
            bash (Join-Path $root 'deploy/build-deb.sh') --arch $pair[0] --publish-dir (Join-Path $artifacts "publish/$($pair[1])") `
                --version $version --out $packages
        }
    }
}

switch ($Target) {
    'build' { Invoke-Build }
    'test' { Invoke-Test }
    'publish' { Invoke-Publish }
    'ci' { Invoke-Test; Invoke-Publish }
    'package' { Invoke-Package }
    'bench' { Invoke-Bench }
}
Write-Host ''
Write-Host "build.ps1 ${Target}: done" -ForegroundColor Green
