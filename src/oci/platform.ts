/** Platforms as the OCI image index names them (`os`, `architecture`, `variant`), and their `os/arch[/variant]` spelling. */
import { arch } from 'node:process';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** This machine's platform. */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: NODE_ARCH[arch] ?? arch };
}

/** `linux/arm64/v8` → its parts (the input grammar has checked the shape). */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  return { os: os!, architecture: architecture ?? hostPlatform().architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** The same platform; a variant only one side names (arm64 and arm64/v8) does not tell them apart. */
export function samePlatform(a: Platform, b: Platform): boolean {
  return a.os === b.os && a.architecture === b.architecture && (!a.variant || !b.variant || a.variant === b.variant);
}

/** Entries an index lists that are not platforms of the image: BuildKit's attestation manifests (`unknown/unknown`). */
export function isRealPlatform(p: Platform | undefined): p is Platform {
  return !!p && p.os !== 'unknown' && p.architecture !== 'unknown';
}
