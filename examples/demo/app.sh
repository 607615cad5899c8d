cat /build-report
echo "hello from the Hoist demo image"
