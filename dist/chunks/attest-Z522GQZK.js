import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i}from"./chunk-272Y7R5S.js";import"./chunk-NPPE3WHR.js";import"./chunk-GFB4VB7C.js";import"./chunk-KKIWANPJ.js";import"./chunk-OFAF6FI3.js";import"./chunk-WSLCKM7U.js";export{f as ATTESTATION_IDENTITY,a as DSSE,b as IN_TOTO,h as attachAttestation,g as attestationLayer,d as dsseEnvelope,e as openEnvelope,c as pae,i as verifyImageAttestations};
