file(REMOVE_RECURSE
  "libspecavg_core.a"
)
