import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as d,b as e,c as f,d as g,e as h,f as i}from"./chunk-ERHNKFIP.js";import{e as a,f as b,g as c}from"./chunk-IZ77I6KB.js";import"./chunk-HRI3G6DD.js";import"./chunk-GFB4VB7C.js";import"./chunk-KKIWANPJ.js";import"./chunk-OFAF6FI3.js";import"./chunk-WSLCKM7U.js";export{f as ATTESTATION_IDENTITY,d as DSSE,a as IN_TOTO,h as attachAttestation,g as attestationLayer,e as dsseEnvelope,c as openEnvelope,b as pae,i as verifyImageAttestations};
