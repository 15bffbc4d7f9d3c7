; corpus/not-equivalent/x86_64-wbinvd-as-invd.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x4405 (bvsub RSP (_ bv8 64))))
(let ((?x953 (bvadd ?x4405 (_ bv8 64))))
(let (($x738 (and (distinct ?x953 RSP) true)))
(let (($x1056 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x182 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x3848 (= TF (_ bv0 1))))
(let (($x5032 (= VM (_ bv0 1))))
(let (($x3133 (= DF (_ bv0 1))))
(and $x3133 $x5032 $x3848 $x182 (or $x1056 true $x738)))))))))))
(check-sat)
