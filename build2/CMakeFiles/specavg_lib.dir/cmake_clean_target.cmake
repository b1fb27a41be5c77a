file(REMOVE_RECURSE
  "libspecavg.a"
)
