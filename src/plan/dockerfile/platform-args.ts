/**
 * The arguments BuildKit defines before any `ARG` (dockerfile2llb/platform.go `defaultArgs`):
 * `BUILDPLATFORM` `BUILDOS` `BUILDOSVERSION` `BUILDARCH` `BUILDVARIANT` of the machine that builds,
 * `TARGETPLATFORM` `TARGETOS` `TARGETOSVERSION` `TARGETARCH` `TARGETVARIANT` of the platform being
 * built (normalized as containerd normalizes it: `linux/arm` is `linux/arm/v7`, `arm64/v8` is
 * `arm64`), and `TARGETSTAGE`. Each is set, an empty variant too; a build argument of the same
 * name replaces it. Pure.
 */
import { hostPlatform, type Platform } from '../../oci/platform.js';

/** containerd's `platforms.Normalize` for the spellings a build names. */
export function normalizePlatform(text: string): Platform {
  const [rawOs = '', rawArch, rawVariant = ''] = text.toLowerCase().split('/');
  let os = rawOs === 'macos' ? 'darwin' : rawOs;
  let architecture = rawArch ?? hostPlatform().architecture;
  let variant = rawVariant;
  if (rawArch === undefined && !['linux', 'windows', 'darwin', 'freebsd'].includes(os)) {
    // `arm64` alone names an architecture, on Linux
    architecture = os;
    os = 'linux';
  }
  switch (architecture) {
    case 'i386':
      architecture = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (['8', 'v8', 'v8.0'].includes(variant)) variant = '';
      if (['9', '9.0', 'v9.0'].includes(variant)) variant = 'v9';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      variant = { '': 'v7', '5': 'v5', '6': 'v6', '7': 'v7', '8': 'v8' }[variant] ?? variant;
      break;
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

const format = (p: Platform) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;

/** The predefined arguments for one build: `target` the platform built, `build` the builder's (default: this machine). */
export function platformArgs(
  target: string | undefined,
  build: string | undefined,
  targetStage: string | undefined,
  overrides: ReadonlyMap<string, string>,
): Map<string, string> {
  const bp = build ? normalizePlatform(build) : normalizePlatform(format(hostPlatform()));
  const tp = target ? normalizePlatform(target) : bp;
  const env = new Map<string, string>([
    ['BUILDPLATFORM', format(bp)],
    ['BUILDOS', bp.os],
    ['BUILDOSVERSION', ''],
    ['BUILDARCH', bp.architecture],
    ['BUILDVARIANT', bp.variant ?? ''],
    ['TARGETPLATFORM', format(tp)],
    ['TARGETOS', tp.os],
    ['TARGETOSVERSION', ''],
    ['TARGETARCH', tp.architecture],
    ['TARGETVARIANT', tp.variant ?? ''],
    ['TARGETSTAGE', targetStage || 'default'],
  ]);
  for (const k of env.keys()) {
    const o = overrides.get(k);
    if (o !== undefined) env.set(k, o);
  }
  return env;
}
