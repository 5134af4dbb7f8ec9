module Shared; NAME = "shared"; end
