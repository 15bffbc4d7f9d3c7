; corpus/equivalent/x86_64-sysv-clobbers-rcx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x426 (bvsub RSP (_ bv8 64))))
(let ((?x133 (bvadd ?x426 (_ bv8 64))))
(let (($x698 (and (distinct ?x133 RSP) true)))
(let (($x151 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x1146 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x403 (= TF (_ bv0 1))))
(let (($x709 (= VM (_ bv0 1))))
(let (($x83 (= DF (_ bv0 1))))
(and $x83 $x709 $x403 $x1146 (or $x151 $x698)))))))))))
(check-sat)
