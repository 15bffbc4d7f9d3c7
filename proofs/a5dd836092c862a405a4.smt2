; corpus/equivalent/x86_64-sysv-clobbers-rcx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x196 (bvsub RSP (_ bv8 64))))
(let ((?x316 (bvadd ?x196 (_ bv8 64))))
(let (($x115 (and (distinct ?x316 RSP) true)))
(let (($x544 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x77 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x373 (= TF (_ bv0 1))))
(let (($x140 (= VM (_ bv0 1))))
(let (($x218 (= DF (_ bv0 1))))
(and $x218 $x140 $x373 $x77 (or $x544 $x115)))))))))))
(check-sat)
