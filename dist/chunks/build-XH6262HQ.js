import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a}from"./chunk-JCXSTMII.js";import"./chunk-SLHQEA6I.js";import"./chunk-37RVZ7VI.js";import"./chunk-UUP2V2TW.js";import"./chunk-7W6IK3MG.js";import"./chunk-6NXDSAL5.js";import"./chunk-7CJTKQYF.js";import"./chunk-BU7IWGE7.js";import"./chunk-NLDMDRCF.js";import"./chunk-7WWOJHMN.js";export{a as build};
