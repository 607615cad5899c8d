import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i}from"./chunk-EWKGSGBP.js";import"./chunk-WSLCKM7U.js";export{f as BODY_LIMITS,h as BodyTooLargeError,b as createAgent,c as createProxyAgent,i as errorText,d as exchange,a as header,e as isIdleTimeout,g as readLimited};
