#!/usr/bin/env node
console.log('signet');
