import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{c as i,l as a,n as c}from"./chunk-YN3MO54B.js";var g={"git-tag":"the git tag this run releases (default: the tag on HEAD, or $CI tag variables)",commit:"the commit the image is built from (default: HEAD)",branch:"the branch (default: the checked-out branch)","pull-request":"the pull request number, for pr-N tags","commit-time":"the commit time, RFC 3339 (default: the commit time git records)"};async function p(e,s,n){for(let t of e.secretInputs){let r=e.secretFiles.get(t),o=c(s,t);if(r!==void 0&&o!==void 0)throw new i(`--${t}-file and ${a(t)} are both set: give one`,e.command);if(o!==void 0&&e.inputs.set(t,o),r!==void 0)try{e.inputs.set(t,(await n(r)).replace(/^\uFEFF/,"").replace(/\r?\n$/,""))}catch(m){throw new i(`--${t}-file: cannot read ${r} (${m.code??"error"})`,e.command)}}}function l(e){return["digest","version","tags","signatures","bytes-sent","imageid"].filter(n=>e.get(n)).map(n=>`${n.padEnd(11)}${e.get(n).split(`
`).join(`
${" ".repeat(11)}`)}`).join(`
`)}export{g as a,p as b,l as c};
