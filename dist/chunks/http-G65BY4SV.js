import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-CDA5ZYCH.js";import"./chunk-WSLCKM7U.js";export{e as BODY_LIMITS,g as BodyTooLargeError,b as createAgent,c as createProxyAgent,h as errorText,d as exchange,a as header,f as readLimited};
