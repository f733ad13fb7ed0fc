/* Version of the nnfw API this runtime implements (onert's numbering). */
#ifndef __NNFW_VERSION_H__
#define __NNFW_VERSION_H__

/**
 * NNFW_VERSION is a uint32 value representing nnfw runtime version
 * in 0xMMmmmmPP, where MM = major, mmmm = minor, PP = patch
 */
#define NNFW_VERSION 0x01001e00

#endif /* __NNFW_VERSION_H__ */
