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
      bench    every bench in one go (feedback, journal, fare decisions, tap path through pcscd + vpcd incl. 25 ms
               card delay, upload soak); each output with date, machine and commit in artifacts/bench/. Long (~30 min).
    Usage on a fresh machine:  dotnet tool restore && dotnet pwsh build.ps1 test
#>
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish', 'ci', 'package', 'bench')]
    [string] $Target = 'build',
    [string] $Configuration = 'Release'
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

function Invoke-Bench {
    Invoke-Build
    $out = Join-Path $artifacts 'bench'
    New-Item -ItemType Directory -Force -Path $out | Out-Null
    $commit = (git -C $root rev-parse --short HEAD)
    $cpu = ((Get-Content /proc/cpuinfo | Select-String -Pattern '^model name' | Select-Object -First 1) -replace '^model name\s*:\s*', '')
    $header = "date $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC, commit $commit, $([Environment]::ProcessorCount) cores ($cpu), $(dotnet --version)"
    $benches = @(
        @{ Name = 'feedback'; Args = @('run', '-c', $Configuration, '--no-build', '--project', (Join-Path $root 'tests/Validator.Gpio.Bench'), '--', '50000') },
        @{ Name = 'journal'; Args = @('run', '-c', $Configuration, '--no-build', '--project', (Join-Path $root 'tests/Validator.Storage.Bench'), '--', '5000', (Join-Path $out 'journal-data')) },
        @{ Name = 'fares'; Args = @('run', '-c', $Configuration, '--no-build', '--project', (Join-Path $root 'tests/Validator.Fares.Bench'), '--', (Join-Path $out 'fares-data')) },
        @{ Name = 'tap-path'; Args = @('run', '-c', $Configuration, '--no-build', '--project', (Join-Path $root 'tests/Validator.TapBench'), '--', '1000', '1000000') },
        @{ Name = 'tap-path-25ms-card'; Args = @('run', '-c', $Configuration, '--no-build', '--project', (Join-Path $root 'tests/Validator.TapBench'), '--', '200', '1000000', '25') },
        @{ Name = 'upload-soak'; Args = @('test', (Join-Path $root 'tests/Validator.Sync.Tests'), '-c', $Configuration, '--no-build', '--filter', 'Name~A_hundred_thousand', '--logger', 'console;verbosity=detailed') }
    )
    $failed = @()
    foreach ($bench in $benches) {
        Step "bench $($bench.Name)"
        $file = Join-Path $out "$($bench.Name).txt"
        Set-Content -Path $file -Value $header
        & dotnet @($bench.Args) 2>&1 | Tee-Object -FilePath $file -Append
        if ($LASTEXITCODE -ne 0) { $failed += $bench.Name }
    }
    Write-Host ''
    Write-Host "bench outputs in $out (copy the tables into docs/performance.md with the header line)"
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
