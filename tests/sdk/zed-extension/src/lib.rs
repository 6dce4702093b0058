//! The smallest Zed extension (zed_extension_api 0.7.0's README), on
//! witbind.

use zed_extension_api as zed;

struct Extension;

impl zed::Extension for Extension {
    fn new() -> Self {
        Extension
    }
}

zed::register_extension!(Extension);
