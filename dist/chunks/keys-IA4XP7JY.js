import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as d,b as e,c as f,d as g}from"./chunk-4JP7TOTP.js";import{a,b,c}from"./chunk-KKIWANPJ.js";import"./chunk-4CDLFZ6W.js";import"./chunk-WSLCKM7U.js";export{a as keyFingerprint,g as loadVerificationKeys,e as parseSigningKey,f as parseVerificationKeys,d as pemBlocks,b as signPayload,c as verifyPayload};
